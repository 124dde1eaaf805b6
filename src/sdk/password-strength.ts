import { ParleyError } from './errors.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

export interface PasswordStrength {
  /** 0 (guessable) … 4 (very strong), from zxcvbn. */
  score: 0 | 1 | 2 | 3 | 4;
  acceptable: boolean;
  feedback: string;
}

type Zxcvbn = (password: string, userInputs?: string[]) => { score: 0 | 1 | 2 | 3 | 4; feedback: { warning: string | null; suggestions: string[] } };

let checker: Promise<Zxcvbn> | undefined;

/** Loads @zxcvbn-ts with its common and English dictionaries once, on first use. */
function loadChecker(): Promise<Zxcvbn> {
  checker ??= (async () => {
    const [core, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const factory = new core.ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
    });
    return (password: string, userInputs?: string[]) => factory.check(password, userInputs);
  })();
  return checker;
}

/** Length bounds plus zxcvbn: a score below 3 (weak or common) is refused. */
export async function checkPasswordStrength(password: string, userInputs: string[] = []): Promise<PasswordStrength> {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return { score: 0, acceptable: false, feedback: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return { score: 0, acceptable: false, feedback: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  const zxcvbn = await loadChecker();
  // zxcvbn's cost grows with length; the first 128 characters decide.
  const result = zxcvbn(password.slice(0, 128), userInputs);
  const acceptable = result.score >= 3;
  const feedback =
    result.feedback.warning ?? result.feedback.suggestions[0] ?? (acceptable ? 'Strong password.' : 'Add more words or characters.');
  return { score: result.score, acceptable, feedback };
}

export async function assertStrongPassword(password: string, userInputs: string[]): Promise<void> {
  const strength = await checkPasswordStrength(password, userInputs);
  if (!strength.acceptable) throw new ParleyError('WEAK_PASSWORD', `Password too weak: ${strength.feedback}`);
}
