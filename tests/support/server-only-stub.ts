// Stand-in for the `server-only` marker package when modules run under plain Node (tests, scripts).
export {};
