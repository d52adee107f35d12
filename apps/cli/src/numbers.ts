import { UsageError } from './errors';

/** A commander option parser for a non-negative number (`--rpm 500`), naming the option when it is not one. */
export function nonNegative(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${option} expects a non-negative number, got "${text}"`);
    }
    return value;
  };
}

/** A commander option parser for a positive integer (`--concurrency 16`). */
export function positiveInteger(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new UsageError(`${option} expects a positive integer, got "${text}"`);
    return value;
  };
}

/** A commander option parser for a share between 0 and 1 (`--error-rate 0.05`). */
export function fraction(option: string): (text: string) => number {
  return (text) => {
    const value = nonNegative(option)(text);
    if (value > 1) throw new UsageError(`${option} must be between 0 and 1, got "${text}"`);
    return value;
  };
}

/** A commander option parser for a TCP port (`--port 8080`; 0 picks a free one). */
export function port(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > 65535)
      throw new UsageError(`${option} expects a port number from 0 to 65535, got "${text}"`);
    return value;
  };
}
