// multipart/form-data bodies for upload endpoints: a param may be a Blob, bytes with a filename,
// or a file path read here.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UploadInput } from '../core/upload.js';
import { WechatValidationError } from '../core/errors.js';

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  speex: 'audio/speex',
  mp4: 'video/mp4',
};

const guessType = (name: string) => TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

async function toBlobPart(operation: string, field: string, input: UploadInput, signal?: AbortSignal): Promise<{ blob: Blob; filename: string }> {
  if (typeof input === 'string') {
    const data = await readFile(input, signal ? { signal } : {});
    const filename = basename(input);
    return { blob: new Blob([data], { type: guessType(filename) }), filename };
  }
  if (input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    const filename = typeof name === 'string' && name ? name : `${field}.${(input.type.split('/')[1] ?? 'bin').replace('jpeg', 'jpg')}`;
    return { blob: input, filename };
  }
  if (input && typeof input === 'object' && 'data' in input && typeof input.filename === 'string') {
    const type = input.contentType ?? guessType(input.filename);
    const blob = input.data instanceof Blob ? input.data : new Blob([input.data], { type });
    return { blob, filename: input.filename };
  }
  throw new WechatValidationError(operation, `/${field}`, 'must be a Blob, { data, filename, contentType? } or a file path');
}

/** `signal`: bounds reading the files given as paths (the attempt's timeout, the caller's signal). */
export async function buildFormData(operation: string, fields: Record<string, unknown>, files: readonly string[], signal?: AbortSignal): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (files.includes(name)) {
      const { blob, filename } = await toBlobPart(operation, name, value as UploadInput, signal);
      form.append(name, blob, filename);
    } else form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return form;
}
