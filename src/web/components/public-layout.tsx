import type { ComponentChildren } from 'preact';
import { Link } from './link.js';

/** Header and main area of the pages seen before signing in. */
export function PublicLayout({ children }: { children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="topbar topbar-narrow">
        <div class="topbar-inner">
          <Link href="/" class="brand">
            Parley
          </Link>
        </div>
      </header>
      <main id="main" tabIndex={-1} class="page page-narrow">
        {children}
      </main>
    </>
  );
}
