// How `eas-push device` shows times, durations and a push-history entry: the one verdict logic
// lives in eas/push/verdict.ts, which the operator's console (eas/admin/) shares.

export { duration, historyLine, parkedState, parkedText, verdict, when, type ParkedState } from '../../eas/push/verdict.js';
