import { MockRequestError } from './errors';
import { newId } from './ids';

/** OpenAI's purposes for uploads. */
export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data'] as const;

/** A stored file: the `OpenAIFile` object (no expiry) plus its bytes (kept in memory). */
export interface StoredFile {
  object: {
    id: string;
    object: 'file';
    bytes: number;
    created_at: number;
    filename: string;
    purpose: string;
    status: 'processed';
  };
  content: Buffer;
}

/** Files in memory, by id. */
export class FileStore {
  private files = new Map<string, StoredFile>();

  /** Stores `content` and returns its file object. */
  add(filename: string, purpose: string, content: Buffer, nowMs: number): StoredFile['object'] {
    const object = {
      id: newId('file-'),
      object: 'file' as const,
      bytes: content.length,
      created_at: Math.floor(nowMs / 1000),
      filename,
      purpose,
      status: 'processed' as const,
    };
    this.files.set(object.id, { object, content });
    return object;
  }

  /** The file, or a 404 like OpenAI's. */
  get(id: string): StoredFile {
    const file = this.files.get(id);
    if (!file) throw new MockRequestError(404, `No such File object: ${id}`, { param: 'id' });
    return file;
  }

  /** Removes a file (404 when unknown). */
  delete(id: string): void {
    this.get(id);
    this.files.delete(id);
  }

  /** Every file, newest first, optionally of one purpose. */
  list(purpose?: string): Array<StoredFile['object']> {
    return [...this.files.values()]
      .map((file) => file.object)
      .filter((object) => purpose === undefined || object.purpose === purpose)
      .reverse();
  }
}
