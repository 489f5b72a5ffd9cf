/** The eight boxes of the security rules' "Security Checklist", in the rules' order and wording. */
export const checklistItems = [
  { id: 'secrets', text: 'No secrets in code or logs' },
  { id: 'password-hashing', text: 'Passwords hashed with bcrypt' },
  { id: 'jwt-expiry', text: 'JWT tokens with short expiration' },
  { id: 'input-validation', text: 'All inputs validated' },
  { id: 'cors', text: 'CORS restricted to known origins' },
  { id: 'websocket-auth', text: 'WebSocket authenticated' },
  { id: 'docker-non-root', text: 'Docker runs as non-root' },
  { id: 'https', text: 'HTTPS in production' },
] as const;

export type ChecklistItemId = (typeof checklistItems)[number]['id'];
