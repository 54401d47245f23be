package dev.infer.loadtest.load;

import dev.infer.loadtest.client.ChatMessage;
import dev.infer.loadtest.client.ClientResult;
import dev.infer.loadtest.client.GenerationRequest;
import dev.infer.loadtest.client.TargetClient;
import dev.infer.loadtest.dataset.Conversation;
import dev.infer.loadtest.dataset.Turn;
import dev.infer.loadtest.metrics.Outcome;
import dev.infer.loadtest.metrics.RequestRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends one conversation's turns in order, each with the history so far (the server's real answers included),
 * and records each as a {@link RequestRecord}. Stops early when a turn does not complete, when the level's
 * request budget is spent, or at the level's deadline.
 */
final class ConversationDriver {
    private final TargetClient client;
    private final LevelClock clock;
    private final RunSettings settings;
    private final CancelPlan cancels;
    private final Consumer<RequestRecord> sink;

    ConversationDriver(TargetClient client, LevelClock clock, RunSettings settings, Consumer<RequestRecord> sink) {
        this.client = client;
        this.clock = clock;
        this.settings = settings;
        this.cancels = new CancelPlan(settings.cancelFraction(), settings.seed());
        this.sink = sink;
    }

    void drive(Conversation conversation) {
        List<ChatMessage> history = new ArrayList<>();
        for (int t = 0; t < conversation.turns().size(); t++) {
            int index = clock.takeRequest();
            if (index < 0) {
                return;
            }
            Turn turn = conversation.turns().get(t);
            history.add(new ChatMessage("user", turn.text()));
            GenerationRequest request = new GenerationRequest(history, turn.text(), turn.maxTokens(),
                    settings.ignoreEos(), cancels.cancelAfter(index, turn.maxTokens()));
            double startMs = clock.elapsedMs();
            Duration timeout = clock.timeoutFromNow(settings.requestTimeout());
            ClientResult r = client.send(request, timeout);
            sink.accept(new RequestRecord(index, conversation.id(), t, startMs, r.chunkMs(), r.endMs(),
                    r.promptTokens() >= 0 ? r.promptTokens() : Math.max(0, turn.inputTokens()), r.outputTokens(),
                    r.reasoningChunks(), r.outcome(), r.status(), r.error(), r.queueMs()));
            if (r.outcome() != Outcome.OK) {
                return;
            }
            history.add(new ChatMessage("assistant", r.answer()));
        }
    }
}
