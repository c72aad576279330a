/**
 * Who may do what: JWT verification (HS256, RS256, ES256; never {@code none}), API keys for backends,
 * and channel capabilities (patterns to operations) checked on every subscribe, publish, history and
 * presence read, on every transport.
 */
package io.chorus.gateway.auth;
