// Names of the files the single-file binary carries as SEA assets, shared by the build
// (build/binary.ts) and the binary's own entry (build/sea-entry.ts).

/** What better-sqlite3 asks `bindings` for (build/sea-bindings.cjs serves it). */
export const ADDON_ASSET = 'better_sqlite3.node';
/** The bundle itself: parse-pool worker threads need a script file to start from. */
export const BUNDLE_ASSET = 'eas-push.cjs';
