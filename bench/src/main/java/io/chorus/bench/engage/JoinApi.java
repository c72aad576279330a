package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** ENGAGE.md's join API on ingest's port: creating the event of a run (code and host token). */
public final class JoinApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1: the API's server answers plain HTTP/1.1, and an h2c upgrade attempt only adds a round trip. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What {@code POST /engage/events} answered. */
    public record Event(String code, String hostToken, String host) {
    }

    private JoinApi() {
    }

    public static Event create(String baseUrl, String adminKey, String title) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/engage/events"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .header("authorization", "Bearer " + adminKey)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("title", title).toString()))
                .build();
        try {
            HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 201) {
                throw new IllegalStateException("POST /engage/events answered " + res.statusCode() + ": " + res.body());
            }
            JsonNode n = JSON.readTree(res.body());
            return new Event(n.path("code").asText(), n.path("hostToken").asText(), n.path("host").asText());
        } catch (IOException e) {
            throw new IllegalStateException("POST /engage/events: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * One value of a Prometheus text scrape, summed over every series whose line starts with
     * {@code prefix} (0 when none has it yet); NaN when three scrapes in a row failed.
     */
    public static double metric(String baseUrl, String prefix) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(30))
                .GET().build();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 200) {
                    continue;
                }
                double sum = 0;
                for (String line : res.body().split("\n")) {
                    if (line.startsWith(prefix)) {
                        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                return sum;
            } catch (IOException | RuntimeException e) {
                System.err.println("scraping " + baseUrl + "/metrics: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
