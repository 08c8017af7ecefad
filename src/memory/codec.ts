/**
 * The value codec: turns a value into bytes with {@linkcode encodeValue} and back with
 * {@linkcode decodeValue}. The transport moves the bytes and never looks inside, so adding a type
 * touches only the codec files and `tags.ts`, where the wire format is declared.
 *
 * What crosses is what `structuredClone` copies: primitives (with `-0`, `NaN`, bigints of any
 * size and strings with lone surrogates kept exactly), plain objects, arrays (holes and extra
 * properties kept), `Date`, `RegExp`, `Map`, `Set`, boxed primitives, `ArrayBuffer` (resizable
 * too), `DataView` and every typed array, and errors. Shared and cyclic references keep their
 * shape, and views of one buffer still share one buffer. Errors keep more than `structuredClone`
 * keeps: their own enumerable properties (`code`) and registered classes (`registerError`).
 *
 * Values that cannot cross (functions, symbols, `WeakMap`, `Promise`, host objects, ...) make
 * `encodeValue` throw a `TypeError` that names where the value sits, such as
 * `arg.items[3].onClick`.
 *
 * @module
 */

export { encodeValue } from "./value_encoder.ts";
export { decodeValue } from "./value_decoder.ts";
