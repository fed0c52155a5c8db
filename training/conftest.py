"""pytest setup for training/: importable modules, one torch thread (tests often run next to a training
run on a 2-core machine), and a session-wide smoke run (and its exported package) shared by the export,
import and eval tests."""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import copy  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """A finished `smoke` preset run directory (trained once per test session)."""
    import config
    import train
    out = str(tmp_path_factory.mktemp("smoke_run"))
    cfg = copy.deepcopy(config.PRESETS["smoke"])
    cfg.threads = 1
    train.train(cfg, out, quiet=True)
    return out


@pytest.fixture(scope="session")
def package(smoke_run, tmp_path_factory):
    """The smoke run exported: (package dir, fixtures dir, manifest)."""
    import export
    out = str(tmp_path_factory.mktemp("pkg"))
    fixtures = str(tmp_path_factory.mktemp("fixtures"))
    man = export.export(smoke_run, out, fixtures, quiet=True)
    return out, fixtures, man
