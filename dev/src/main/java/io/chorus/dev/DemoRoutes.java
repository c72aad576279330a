package io.chorus.dev;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;

/**
 * The demo app's static files at {@code /}, read from the file system on each request (no cache), so
 * an edit to demo/ shows on reload. Mounted after the gateway's routes: {@code /v1}, {@code /sdk},
 * {@code /health} and {@code /engage} keep theirs, and a file that is not there falls through to the
 * gateway's enumerated 404.
 */
final class DemoRoutes {

    private DemoRoutes() {
    }

    static void mount(Router router, Path demoDir) {
        // StaticHandler normalizes the path and refuses '..', so nothing outside demoDir is served.
        StaticHandler files = StaticHandler.create(FileSystemAccess.ROOT, demoDir.toString())
                .setCachingEnabled(false).setIndexPage("index.html");
        router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(files);
    }
}
