/**
 * Who may do what: JWT verification with Nimbus JOSE+JWT (HS256, RS256, ES256; never {@code none}; keys from
 * PEM and JWKS files and a JWKS URL refreshed in the background), API keys for backends,
 * and channel capabilities (patterns to operations) checked on every subscribe, publish, history and
 * presence read, on every transport.
 */
package io.chorus.gateway.auth;
