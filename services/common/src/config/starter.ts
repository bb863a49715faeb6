import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const STARTER_CONFIG = `# CLIver Gateway configuration (the original CLIver's config.yaml format).
# Any string may read environment variables: "{{ env.NAME }}", "{{ env.NAME | default('x') }}".
# Variables come from ~/.env, then ./.env, then the real environment (which wins).
# Keep secrets out of this file: reference them as "{{ env.NAME }}".

gateway:
  # Loopback only. To reach the gateway from elsewhere, put a TLS reverse proxy in front of it.
  host: 127.0.0.1
  port: 8321
  # Bearer key for the OpenAI-compatible API under /v1. Without it, /v1 answers any local program
  # (any key or none), and the gateway refuses to listen on anything but loopback.
  # api_key: "{{ env.CLIVER_API_KEY }}"
  # Admin portal login at /admin (the portal comes in a later version; it will always require a
  # login, and without a password its first start will generate one and print it once).
  # admin_username: admin
  # admin_password: "{{ env.CLIVER_ADMIN_PASSWORD }}"
  # Chat platforms; the map key is the adapter's name.
  # platforms:
  #   telegram:
  #     type: telegram
  #     token: "{{ env.TELEGRAM_BOT_TOKEN }}"
  #     allowed_users: ["123456789"]     # empty or absent: anyone may talk to the bot
  #   slack:
  #     type: slack
  #     token: "{{ env.SLACK_BOT_TOKEN }}"
  #     app_token: "{{ env.SLACK_APP_TOKEN }}"
  #   feishu:
  #     type: feishu
  #     app_id: "{{ env.FEISHU_APP_ID }}"
  #     token: "{{ env.FEISHU_APP_SECRET }}"
  #     mode: ws

# LLM providers; a model's id is <provider>/<name>.
# providers:
#   openai:
#     type: openai                  # openai | anthropic | deepseek | ollama | vllm
#     api_url: https://api.openai.com/v1
#     api_key: "{{ env.OPENAI_API_KEY }}"
#     models:
#       - gpt-4o
#       - name: gpt-4o-mini
#         context_window: 128000
#   local:
#     type: ollama
#     api_url: http://127.0.0.1:11434
#     models: [qwen2.5:14b]
# default_model: openai/gpt-4o

# MCP servers the agent may use.
# mcpServers:
#   fs:
#     transport: stdio
#     command: npx
#     args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]

# Conversation retention (the schema has defaults; set these only to change them).
# session:
#   max_sessions: 500
#   max_turns_per_session: 200      # messages (user or assistant) kept per conversation
#   max_age_days: 60

# timezone: Asia/Shanghai           # IANA zone for tasks; unset: the host's zone
`;

/** The commented config.yaml a first start writes: loopback bind, no secrets, examples to uncomment. */
export function starterConfigText(): string {
  return STARTER_CONFIG;
}

/**
 * Writes the starter config to `file` (folder created, mode 0600 because the file will hold
 * secrets once edited). Refuses to replace an existing file: it throws EEXIST.
 */
export function writeStarterConfig(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, STARTER_CONFIG, { mode: 0o600, flag: 'wx' });
}
