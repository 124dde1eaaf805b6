import type { ComponentChildren } from 'preact';
import { navigate } from '../router.js';

interface LinkProps {
  href: string;
  class?: string;
  /** Marks the link as the current page (aria-current). */
  current?: boolean;
  children: ComponentChildren;
}

/** An ordinary link that navigates on the client; modified clicks (new tab, …) keep the browser's behaviour. */
export function Link({ href, class: className, current, children }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} class={className} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
