export { RequestError, InvalidRequestError, OutputValidationError } from './errors';
export type {
  ChatApi,
  ChatMessage,
  CompleteRequest,
  Endpoint,
  MaxllmOptions,
  ModelMode,
  PreparedRequest,
  RequestTarget,
  Usage,
} from './types';
export type {
  BodyParams,
  ChatParams,
  CompletionParams,
  EmbeddingParams,
  ResponsesParams,
} from './body-params';
export type { NoUnknownKeys, RequestKey } from './known-keys';
export { prepareRequest, type PrepareOptions } from './prepare-request';
export { checkRequestKeys } from './check-request-keys';
export { buildMessages, contentText } from './messages';
export { normaliseTokenParams } from './token-params';
export {
  zodResponseFormat,
  zodTextFormat,
  type JsonSchemaResponseFormat,
  type JsonSchemaTextFormat,
  type ResponseFormat,
} from './response-format';
export { responseText, responseRefusal } from './responses-output';
export { parseJsonLenient } from './parse-json-lenient';
export { parseStructured } from './structured';
export { extractResult, completionText, isCacheable } from './extract-result';
export { readUsage } from './usage';
export { keyInput, KEY_INPUT_VERSION, UNKEYED_PARAMS } from './key-input';
export { snapshot } from './snapshot';
