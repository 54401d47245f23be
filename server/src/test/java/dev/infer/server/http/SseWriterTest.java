package dev.infer.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Keep-alive comments on Netty's own test channel, whose clock the test moves. */
class SseWriterTest {
    private static final Duration EVERY = Duration.ofSeconds(15);

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private SseWriter sse;

    private SseWriter open() {
        channel.freezeTime();
        channel.attr(StreamLimits.KEY).set(new StreamLimits(EVERY, 1 << 20));
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        sse = new SseWriter(ctx);
        sse.open("42");
        channel.flush(); // the response head is written, not flushed: the first events go with it
        HttpResponse head = channel.readOutbound();
        assertThat(head.headers().get(SseWriter.REQUEST_ID)).isEqualTo("42");
        return sse;
    }

    private List<String> advance(Duration by) {
        channel.advanceTimeBy(by.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        List<String> written = new ArrayList<>();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            if (o instanceof HttpContent c) {
                ByteBuf b = c.content();
                written.add(o instanceof LastHttpContent && !b.isReadable() ? "<end>" : b.toString(StandardCharsets.UTF_8));
            }
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return written;
    }

    @Test
    void aSilentStreamGetsAKeepAliveCommentEachInterval() {
        open();
        assertThat(advance(EVERY.minusSeconds(1))).isEmpty();
        assertThat(advance(Duration.ofSeconds(1))).containsExactly(": keep-alive\n\n");
        assertThat(advance(EVERY)).containsExactly(": keep-alive\n\n");
    }

    @Test
    void eventsPostponeTheComment() {
        open();
        advance(EVERY.minusSeconds(2));
        sse.event("{\"a\":1}");
        assertThat(advance(Duration.ofSeconds(2))).as("an event went out in this interval")
                .containsExactly("data: {\"a\":1}\n\n");
        assertThat(advance(EVERY)).containsExactly(": keep-alive\n\n");
    }

    @Test
    void noCommentsAfterTheStreamEnds() {
        open();
        sse.done();
        assertThat(advance(Duration.ZERO)).containsExactly("data: [DONE]\n\n", "<end>");
        assertThat(advance(EVERY.multipliedBy(3))).isEmpty();
    }

    @Test
    void noCommentsAfterTheClientLeaves() {
        open();
        channel.close();
        assertThat(advance(EVERY.multipliedBy(3))).isEmpty();
    }
}
