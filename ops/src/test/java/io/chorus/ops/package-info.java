/**
 * Tests of the operations artifacts at the repository's top level: the Helm chart (helm/), the
 * dashboards and alert rules (grafana/) and the image definitions (docker/), checked with the real
 * tools (helm, Prometheus, promtool) and the gateway and ingest as built.
 */
package io.chorus.ops;
