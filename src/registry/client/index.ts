export { withRepository, type ConnectOptions } from './connect.js';
export { RegistryRepository, MANIFEST_ACCEPT, type FetchedManifest, type UploadSession } from './repository.js';
export { endpointsFor, isInsecureRegistry, credentialKey, DOCKER_HUB_INDEX, type Endpoint, type RegistryHostsConfig } from './endpoints.js';
export { Authorizer } from './auth.js';
export { parseChallenges, type Challenge } from './challenge.js';
export { parseManifest, parseIndex, selectPlatform, isIndex } from './manifest.js';
export { login } from './login.js';
