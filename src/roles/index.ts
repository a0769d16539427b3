// The public face of the linked-roles room: members' role connections (what Discord's linked roles check).
export { createRoleConnectionApi, BearerRefusedError, type RoleConnectionApi } from './discord-api.js';
export {
  ROLE_CONNECTIONS_SCOPE,
  createLinkedRoles,
  type ConnectOutcome,
  type DisconnectOutcome,
  type LinkedRoles,
  type LinkedRolesDeps,
  type LinkedRolesTuning,
  type RefreshSummary,
  type WriteOutcome,
} from './linked-roles.js';
export {
  METADATA_KEYS,
  METADATA_TEXT,
  PLATFORM_NAME,
  connectionFor,
  metadataRecords,
  metadataTextKeys,
  metadataTranslations,
  type MetadataKey,
  type MetadataRecord,
  type MetadataTranslations,
  type RoleConnectionBody,
} from './metadata.js';
