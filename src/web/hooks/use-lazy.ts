import { useEffect, useState } from 'preact/hooks';

/**
 * A module loaded on first need (code split by the bundler): undefined until `when` has been true once and the
 * download finished; kept afterwards. `load` must be a stable function (module level).
 */
export function useLazy<T>(load: () => Promise<T>, when: boolean): { value: T | undefined; error: unknown } {
  const [state, setState] = useState<{ value: T | undefined; error: unknown }>({ value: undefined, error: undefined });
  useEffect(() => {
    if (!when || state.value !== undefined) return;
    let live = true;
    load().then(
      (value) => live && setState({ value, error: undefined }),
      (error: unknown) => live && setState({ value: undefined, error }),
    );
    return () => {
      live = false;
    };
  }, [load, when, state.value]);
  return state;
}
