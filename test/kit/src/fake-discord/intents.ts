// The gateway intent bits the fake filters dispatches by, as Discord does (GatewayIntentBits in
// discord-api-types; spelled out because that package is a type-only import here).
export const INTENTS = {
  guilds: 1 << 0,
  guildMessages: 1 << 9,
  directMessages: 1 << 12,
  messageContent: 1 << 15,
} as const;

export function hasIntent(intents: number, bit: number): boolean {
  return (intents & bit) !== 0;
}
