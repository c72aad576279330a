package io.chorus.ingest.engage.social.slides;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.Stage;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlidesRulesTest {

    private final Stage stage = new Stage().event();

    private static String show(String deck, long slide, String state) {
        return "{\"type\":\"slides.show\",\"deck\":\"" + deck + "\",\"slide\":" + slide
                + (state == null ? "" : ",\"state\":" + state) + "}";
    }

    @Test
    void thePresenterMovesTheSlideAndTheEventSnapshotChanges() {
        stage.staff(Role.PRESENTER, 777, show("intro", 3, "{\"step\":2}"));
        stage.assertJson("{\"deck\":\"intro\",\"slide\":3,\"state\":{\"step\":2},\"at\":777}",
                stage.kv.get(SlidesHandler.key(CODE), ObjectNode.class));
        assertEquals(Set.of(Channels.event(CODE)), stage.effects.takeChanged());
        stage.staff(Role.HOST, 800, show("intro", 4, null));
        stage.assertJson("{\"deck\":\"intro\",\"slide\":4,\"state\":{},\"at\":800}",
                stage.kv.get(SlidesHandler.key(CODE), ObjectNode.class));
    }

    @Test
    void onlyThePresenterOrHostMayMoveSlides() {
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PARTICIPANT, "p-1", 1, show("d", 0, null)));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.MODERATOR, "m", 1, show("d", 0, null)));
        new Stage().refused(EngageError.UNKNOWN_EVENT, stage.command(Role.PRESENTER, "d", 1, show("d", 0, null)));
    }

    @Test
    void badDecksSlidesAndStatesAreRefused() {
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.PRESENTER, "d", 1, show("", 0, null)));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.PRESENTER, "d", 1, show("x".repeat(101), 0, null)));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.PRESENTER, "d", 1, show("d", -1, null)));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.PRESENTER, "d", 1,
                "{\"type\":\"slides.show\",\"deck\":\"d\",\"slide\":1.5}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.PRESENTER, "d", 1, show("d", 0, "[1]")));
        stage.staff(Role.PRESENTER, 1, show("x".repeat(100), 0, null));
    }

    @Test
    void aStateOfMoreThanOneKibibyteIsTooLarge() {
        // {"v":"…"} is 8 bytes around the value.
        String fits = "{\"v\":\"" + "a".repeat(1024 - 8) + "\"}";
        String over = "{\"v\":\"" + "a".repeat(1024 - 7) + "\"}";
        stage.staff(Role.PRESENTER, 1, show("d", 0, fits));
        stage.refused(EngageError.TOO_LARGE, stage.command(Role.PRESENTER, "d", 2, show("d", 0, over)));
    }
}
