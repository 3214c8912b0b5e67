// A refusal or failure of `eas-push copy` that the user can act on: one line, nothing copied
// (the target's transaction is rolled back).

export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}
