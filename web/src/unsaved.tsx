import { createContext, useContext, useEffect } from 'react';

/** A page with unsaved changes says so here; the shell then asks before leaving it. */
export const UnsavedContext = createContext<(dirty: boolean) => void>(() => undefined);

/** Marks the page dirty while `dirty` holds: leaving asks to discard, and so does closing the tab. */
export function useUnsavedChanges(dirty: boolean): void {
  const setDirty = useContext(UnsavedContext);
  useEffect(() => {
    setDirty(dirty);
    if (!dirty) return undefined;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Chromium still wants returnValue set to show its prompt.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      setDirty(false);
    };
  }, [dirty, setDirty]);
}
