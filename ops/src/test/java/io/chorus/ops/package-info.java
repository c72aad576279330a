/**
 * Tests of the operations artifacts at the repository's top level: the Helm chart (helm/), the
 * dashboards and alert rules (grafana/), checked with the real tools (helm, Prometheus, promtool).
 */
package io.chorus.ops;
