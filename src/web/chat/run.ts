/** Runs a contact action with its button's label, reporting a failure (contacts-panel.tsx makes it). */
export type Run = (label: string, action: () => Promise<unknown>) => Promise<void>;
