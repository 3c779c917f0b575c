/**
 * Built-in Azure definitions the templates may reference, keyed by display name. The policy
 * checks compare every id in the templates with the name written beside it, so a pasted id for the
 * wrong role fails review instead of granting the wrong access.
 */
export const BUILT_IN_ROLE_IDS: Readonly<Record<string, string>> = {
  'Key Vault Crypto User': '12338af0-0e69-4776-bea7-57ae8d297424',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  'Web PubSub Service Owner': '12cf5a90-567b-43ae-8102-96cf46c7d9b4',
  'Cognitive Services OpenAI User': '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Communication and Email Service Owner': '09976791-48a7-449e-bb21-39d1a415f350',
  'Cosmos DB Built-in Data Contributor': '00000000-0000-0000-0000-000000000002',
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};

/**
 * Roles EDS may grant its app identity: data-plane roles, each scoped to one resource. Storage
 * Blob Data Owner is what the Functions host needs on its own storage account; Communication and
 * Email Service Owner is the only role Communication Services evaluates for Entra email sends.
 */
export const ALLOWED_APP_ROLES: ReadonlySet<string> = new Set([
  'Key Vault Crypto User',
  'Key Vault Secrets User',
  'Azure Service Bus Data Sender',
  'Azure Service Bus Data Receiver',
  'Web PubSub Service Owner',
  'Cognitive Services OpenAI User',
  'Monitoring Metrics Publisher',
  'Storage Blob Data Owner',
  'Storage Blob Data Contributor',
  'Communication and Email Service Owner',
  'Cosmos DB Built-in Data Contributor',
]);

/** Built-in policy and initiative definitions, keyed by display name. */
export const BUILT_IN_POLICY_IDS: Readonly<Record<string, string>> = {
  'NIST SP 800-53 Rev. 5': '179d1daa-458f-4e47-8086-2a68d0d6c38f',
  'Allowed locations': 'e56962a6-4747-49cd-b67b-bf8b01975c4c',
};

/** Azure regions in the United States that the commercial cloud offers (FISMA boundary). */
export const US_REGIONS: ReadonlySet<string> = new Set([
  'centralus',
  'eastus',
  'eastus2',
  'northcentralus',
  'southcentralus',
  'westcentralus',
  'westus',
  'westus2',
  'westus3',
]);

/** Azure OpenAI models approved for EDS, pinned by name and version. */
export const APPROVED_OPENAI_MODELS: readonly {
  readonly name: string;
  readonly version: string;
}[] = [
  { name: 'gpt-4o', version: '2024-11-20' },
  { name: 'text-embedding-3-large', version: '1' },
];

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
