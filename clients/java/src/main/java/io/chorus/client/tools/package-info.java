/** Command-line tools on the Java client, for operators and for tests in other languages. */
package io.chorus.client.tools;
