// Global set-up for vitest: nothing yet; the foundation work starts a private Redis here
// when REDIS_URL is not set, so integration tests talk to a real server.
export default async function setup() {}
