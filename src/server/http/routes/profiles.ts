import type { FastifyInstance } from 'fastify';
import { ProfileParams, ProfileResponse, SetProfileRequest } from '../../../protocol/profiles.js';
import { getProfile, setProfile } from '../../commands/profiles/profiles.js';
import type { Deps } from '../../deps.js';
import { userRoute } from '../routing.js';

/** Sealed profiles: see src/protocol/profiles.ts. */
export function registerProfileRoutes(app: FastifyInstance, deps: Deps): void {
  userRoute(
    app,
    deps,
    { method: 'PUT', url: '/api/profile', body: SetProfileRequest, response: ProfileResponse },
    async ({ actor, body }) => ({ profile: await setProfile(deps, actor, body) }),
  );

  userRoute(
    app,
    deps,
    { method: 'GET', url: '/api/profiles/:username', params: ProfileParams, response: ProfileResponse },
    async ({ actor, params }) => ({ profile: await getProfile(deps, actor, params.username) }),
  );
}
