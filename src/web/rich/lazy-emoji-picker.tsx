/** The full emoji picker, fetched the first time one is opened (its code and data stay out of the app's first load). */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

interface PickerProps {
  label: string;
  onPick: (emoji: string) => void;
  onClose: () => void;
}

let loaded: ComponentType<PickerProps> | undefined;

export function LazyEmojiPicker(props: PickerProps) {
  const [Picker, setPicker] = useState<ComponentType<PickerProps> | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Picker) return;
    let live = true;
    import('./emoji-picker.js').then(
      (m) => {
        loaded = m.EmojiPicker;
        if (live) setPicker(() => m.EmojiPicker);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  if (Picker) return <Picker {...props} />;
  return (
    <div class="emoji-picker" role="dialog" aria-label={props.label}>
      <p class="emoji-status" role={failed ? 'alert' : 'status'}>
        {failed ? 'The emoji picker could not be loaded.' : 'Loading emoji…'}
      </p>
    </div>
  );
}
