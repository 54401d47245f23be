package dev.infer.loadtest.cli;

import dev.infer.loadtest.load.LoadLevel;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings errors are one clear line and exit code 2, before any request is sent. */
class CommandLineTest {
    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new String[] {Integer.toString(rc), err.toString()};
    }

    @Test
    void exactlyOneLoadShape() {
        String[] r = run("run", "--concurrency", "1", "--request-rate", "2");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("exactly one of --concurrency and --request-rate");
        assertThat(run("run")[1]).contains("exactly one of");
    }

    @Test
    void requestCountsMustMatchTheSweep() {
        assertThat(run("run", "--concurrency", "1,2", "--num-requests", "1,2,3")[1])
                .contains("--num-requests has 3 counts for 2 levels");
    }

    @Test
    void randomPromptsNeedATokenizer() {
        assertThat(run("run", "--concurrency", "1", "--base-url", "http://127.0.0.1:9")[1])
                .contains("needs --tokenizer");
    }

    @Test
    void infiniteRateNeedsABound() {
        assertThat(run("run", "--request-rate", "inf", "--num-requests", "0")[1]).contains("needs --num-requests");
    }

    @Test
    void durationsAndSweeps() {
        assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationParser.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationParser.parse("7")).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> DurationParser.parse("soon")).hasMessageContaining("not a duration");
        assertThat(LoadLevel.sweep(LoadLevel.Kind.RATE, "1, 2.5,inf", 0.5, 8)).extracting(LoadLevel::label)
                .containsExactly("rate 1/s", "rate 2.5/s", "rate inf/s");
        assertThatThrownBy(() -> LoadLevel.concurrency(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
