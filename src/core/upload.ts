// What a multipart upload param accepts.

/** Bytes with the filename and content type WeChat should see. */
export interface UploadFile {
  data: Uint8Array | Blob;
  filename: string;
  contentType?: string;
}

/**
 * A file for a multipart field: a `Blob`/`File`, bytes with a filename, or a path on disk that the
 * runtime reads (Node only).
 */
export type UploadInput = Blob | UploadFile | string;
