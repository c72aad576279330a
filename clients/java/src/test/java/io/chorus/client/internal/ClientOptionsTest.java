package io.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

    /** No h2c upgrade from the SDK's own client: gateway/README.md, "HTTP/2" (and the gateway's H2cIT). */
    @Test
    void theClientMadeWhenNoneIsGivenSpeaksHttp11() {
        assertEquals(HttpClient.Version.HTTP_1_1, ClientOptions.defaultHttpClient().version());
    }
}
