import { Link } from '../components/link.js';
import { PageHeading } from '../components/page-heading.js';

/** The content of an unknown path (inside whichever layout the caller chose). */
export function NotFoundContent() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>
        There is no page at this address. <Link href="/">Go to the start page</Link>.
      </p>
    </>
  );
}
