{{/* Names and labels. */}}
{{- define "chorus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "chorus.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "chorus.gateway.fullname" -}}{{ include "chorus.fullname" . | trunc 55 | trimSuffix "-" }}-gateway{{- end -}}
{{- define "chorus.ingest.fullname" -}}{{ include "chorus.fullname" . | trunc 56 | trimSuffix "-" }}-ingest{{- end -}}

{{- define "chorus.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "chorus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "gateway"). */}}
{{- define "chorus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chorus.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "chorus.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "chorus.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "chorus.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/*
Whole seconds of a config duration as the gateway writes them (250ms, 15s, 2m, 1h); milliseconds
round up, so a derived grace period is never shorter than the duration.
*/}}
{{- define "chorus.seconds" -}}
{{- $d := toString . -}}
{{- if not (regexMatch "^[0-9]{1,9}(ms|s|m|h)$" $d) -}}
{{- fail (printf "duration %q must look like 250ms, 15s, 2m or 1h" $d) -}}
{{- else if hasSuffix "ms" $d -}}{{ div (add (trimSuffix "ms" $d | atoi) 999) 1000 }}
{{- else if hasSuffix "s" $d -}}{{ trimSuffix "s" $d | atoi }}
{{- else if hasSuffix "m" $d -}}{{ mul (trimSuffix "m" $d | atoi) 60 }}
{{- else -}}{{ mul (trimSuffix "h" $d | atoi) 3600 }}
{{- end -}}
{{- end -}}

{{/* preStop sleep + drain deadline + margin: the pod is never killed while it still drains. */}}
{{- define "chorus.gateway.gracePeriod" -}}
{{- $t := .Values.gateway.termination -}}
{{- add $t.preStopSeconds (include "chorus.seconds" .Values.gateway.config.drain.deadline | atoi) $t.marginSeconds -}}
{{- end -}}

{{/* The auth Secret's name, or "" when there is none. */}}
{{- define "chorus.authSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else if or .Values.auth.hmacSecret .Values.auth.jwksUrl .Values.auth.adminKey .Values.auth.ablyConnectionKeySecret -}}
{{- include "chorus.fullname" . }}-auth
{{- end -}}
{{- end -}}

{{/* The Kafka client properties Secret's name, or "" when security is off. */}}
{{- define "chorus.kafkaSecretName" -}}
{{- if .Values.kafka.security.enabled -}}
{{- if .Values.kafka.security.existingSecret -}}
{{- .Values.kafka.security.existingSecret -}}
{{- else if .Values.kafka.security.clientProperties -}}
{{- include "chorus.fullname" . }}-kafka
{{- else -}}
{{- fail "kafka.security.enabled needs kafka.security.existingSecret or kafka.security.clientProperties" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The gateway's chorus.yaml: the operator's config with the chart's own keys on top. */}}
{{- define "chorus.gateway.config" -}}
{{- $kafka := dict "bootstrapServers" .Values.kafka.bootstrapServers -}}
{{- if .Values.kafka.security.enabled -}}
{{- $_ := set $kafka "clientPropertiesFile" (printf "%s/client.properties" .Values.kafka.security.mountPath) -}}
{{- end -}}
{{- $own := dict "mode" "prod" "http" (dict "host" "0.0.0.0" "port" .Values.gateway.port) "kafka" $kafka -}}
{{- toYaml (mustMergeOverwrite (deepCopy .Values.gateway.config) $own) -}}
{{- end -}}

{{/* ingest.yaml: the operator's config with the chart's own keys on top. */}}
{{- define "chorus.ingest.config" -}}
{{- $kafka := dict "bootstrapServers" .Values.kafka.bootstrapServers "stateDir" .Values.ingest.stateDir -}}
{{- if .Values.kafka.security.enabled -}}
{{- $file := printf "%s/client.properties" .Values.kafka.security.mountPath -}}
{{- $streams := dict "config.providers" "chorusfile" "config.providers.chorusfile.class" "org.apache.kafka.common.config.provider.FileConfigProvider" -}}
{{- range .Values.kafka.security.propertyNames -}}
{{- $_ := set $streams . (printf "${chorusfile:%s:%s}" $file .) -}}
{{- end -}}
{{- $_ := set $kafka "streams" $streams -}}
{{- end -}}
{{- $engage := dict "http" (dict "host" "0.0.0.0" "port" .Values.ingest.port) -}}
{{- $demo := .Values.ingest.demoUrl -}}
{{- if and (not $demo) .Values.ingress.enabled -}}
{{- $demo = printf "https://%s/" .Values.ingress.host -}}
{{- end -}}
{{- if $demo -}}
{{- $_ := set $engage "demoUrl" $demo -}}
{{- else if not (dig "engage" "demoUrl" "" .Values.ingest.config) -}}
{{- fail "ingest.enabled needs ingest.demoUrl (join links are <demoUrl>#/join/CODE) or ingress.enabled" -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite (deepCopy .Values.ingest.config) (dict "kafka" $kafka "engage" $engage)) -}}
{{- end -}}

{{- define "chorus.topologySpread" -}}
{{- $ts := .root.Values.gateway.topologySpread -}}
- maxSkew: {{ $ts.zoneSkew }}
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: {{ $ts.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "chorus.selectorLabels" . | nindent 6 }}
- maxSkew: {{ $ts.nodeSkew }}
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ $ts.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "chorus.selectorLabels" . | nindent 6 }}
{{- end -}}
