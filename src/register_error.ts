/**
 * `registerError`: lets instances of a user's error class cross threads as that class.
 *
 * @module
 */

import { type ErrorClass, registerErrorClass } from "./memory/error_classes.ts";

export type { ErrorClass };

/**
 * Registers an error class so that its instances cross between threads as instances of that
 * class: `err instanceof MyError` holds on the other side. Classes are matched by their `name`,
 * so register at the top level of the module that defines the class; every thread that imports
 * that module (the host, and each worker importing the task module) then registers it too.
 * Registering a second class with the same name replaces the first.
 *
 * The rebuilt error gets the class's prototype, but the class's constructor does not run: the
 * message, `name`, `stack`, `cause` and the error's own enumerable properties (such as `code`)
 * are copied over as they were.
 *
 * An error whose class is not registered on the receiving side comes back as its nearest
 * built-in ancestor (`Error`, `TypeError`, ..., usually `Error`) with the original `name`,
 * message, stack, cause and own properties, so `err.name === "MyError"` still holds but
 * `err instanceof MyError` does not.
 *
 * @param errorClass A class that extends `Error` (directly or not) and has a name.
 * @returns `errorClass`, so that a class can be defined and registered in one statement.
 * @throws {TypeError} When `errorClass` is not a named subclass of `Error`.
 *
 * @example
 * ```ts
 * import { registerError } from "@weft/weft";
 *
 * export class QuotaError extends Error {
 *   override name = "QuotaError";
 *   code = "E_QUOTA";
 * }
 * registerError(QuotaError);
 * ```
 */
export function registerError<T extends ErrorClass>(errorClass: T): T {
  if (typeof errorClass !== "function" || !(errorClass.prototype instanceof Error)) {
    throw new TypeError(
      `Cannot register error class: it must be a class that extends Error, received ${
        typeof errorClass === "function"
          ? errorClass.name || "an anonymous function"
          : typeof errorClass
      }`,
    );
  }
  if (typeof errorClass.name !== "string" || errorClass.name === "") {
    throw new TypeError(
      "Cannot register error class: it must have a name, received an anonymous class",
    );
  }
  registerErrorClass(errorClass);
  return errorClass;
}
