"""
How both scenes worlds draw a shape: each object is rendered supersampled (4x4 per pixel) in a 16x16 px
window around its centre, box-filtered to antialiased coverage and pasted into the 32x32 image. A world
only says which pixels of the supersampled window are inside each of its shapes (scenes.inside,
render_v2.inside).
"""

import numpy as np

SIZE = 32  # image side in pixels
SS = 4  # supersampling factor for antialiasing (render at 128x128, box-downsample)
WIN = 16  # objects are rendered in a 16x16 px window around their centre (they are smaller than that)
_sub = (np.arange(WIN * SS, dtype=np.float32) + 0.5) / SS  # subpixel centres in window pixel units
_GX, _GY = np.meshgrid(_sub, _sub)  # (64, 64) each, x to the right, y down


def coverage(shape_idx, cx, cy, r, shapes, inside):
    """Antialiased coverage (B, 32, 32) in [0, 1] of a batch of shapes on the full image. shape_idx, cx, cy,
    r: (B,); shape_idx indexes shapes (the world's shape names); inside(name, dx, dy, rr) -> bool: which
    subpixels at offsets dx, dy (b, 64, 64) from the centre a shape of half-extent rr (b, 1, 1) covers."""
    B = cx.shape[0]
    win = np.zeros((B, WIN * SS, WIN * SS), dtype=bool)  # (B, 64, 64): the window's top-left pixel is
    for k, name in enumerate(shapes):  # (floor(cx) - WIN/2, floor(cy) - WIN/2)
        sel = np.nonzero(shape_idx == k)[0]
        if len(sel) == 0:
            continue
        dx = _GX[None] - (cx[sel] - np.floor(cx[sel]) + WIN // 2)[:, None, None]  # (b, 64, 64)
        dy = _GY[None] - (cy[sel] - np.floor(cy[sel]) + WIN // 2)[:, None, None]
        win[sel] = inside(name, dx, dy, r[sel, None, None])
    win = win.reshape(B, WIN, SS, WIN, SS).mean(axis=(2, 4), dtype=np.float32)  # (B, 16, 16)
    pad = WIN  # canvas padded on every side so that the window always fits
    canvas = np.zeros((B, SIZE + 2 * pad, SIZE + 2 * pad), dtype=np.float32)  # (B, 64, 64)
    x0 = np.floor(cx).astype(np.int64) - WIN // 2 + pad
    y0 = np.floor(cy).astype(np.int64) - WIN // 2 + pad
    iy = y0[:, None, None] + np.arange(WIN)[None, :, None]  # (B, 16, 1)
    ix = x0[:, None, None] + np.arange(WIN)[None, None, :]  # (B, 1, 16)
    canvas[np.arange(B)[:, None, None], iy, ix] = win
    return canvas[:, pad:pad + SIZE, pad:pad + SIZE]  # (B, 32, 32)
