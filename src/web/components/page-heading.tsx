import { useEffect, useRef } from 'preact/hooks';
import { hasNavigated } from '../router.js';

/** The page's h1: sets the document title and takes focus after a navigation, so screen readers announce the page. */
export function PageHeading({ title, id, class: className }: { title: string; id?: string; class?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Parley`;
    if (hasNavigated()) ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} class={className ? `page-heading ${className}` : 'page-heading'}>
      {title}
    </h1>
  );
}
