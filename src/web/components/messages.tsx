/** An error for the user, announced at once by assistive technology. */
export function ErrorAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" class="alert alert-error">
      {message}
    </p>
  );
}

/** A polite status region: always present so that changes to it are announced. */
export function StatusMessage({ message }: { message: string | undefined }) {
  return (
    <p role="status" class="alert alert-ok">
      {message ?? ''}
    </p>
  );
}
