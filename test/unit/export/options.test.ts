import { describe, expect, it } from 'vitest';
import { parseFormat, parseFps, parseSize, CLI_FORMATS } from '../../../src/export/options.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';

describe('export options', () => {
  it('accepts 256, 512 and 1024 only, naming them when refusing', () => {
    expect(parseSize('512')).toBe(512);
    expect(parseSize(1024)).toBe(1024);
    expect(() => parseSize(300)).toThrow(InvalidInputError);
    expect(() => parseSize('300')).toThrow('Unsupported size "300": use one of 256, 512, 1024.');
  });

  it('names the accepted formats', () => {
    expect(parseFormat('GIF')).toBe('gif');
    expect(() => parseFormat('webm', CLI_FORMATS)).toThrow(
      'Unsupported format "webm": use one of gif, png, poster, zip.',
    );
  });

  it('checks the frame rate', () => {
    expect(parseFps('12')).toBe(12);
    expect(() => parseFps(0)).toThrow(/1 to 50/);
    expect(() => parseFps('2.5')).toThrow(/whole number/);
  });
});
