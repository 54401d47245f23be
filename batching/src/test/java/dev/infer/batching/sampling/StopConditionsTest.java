package dev.infer.batching.sampling;

import dev.infer.batching.FinishReason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StopConditionsTest {
    private static final int[] EOS = {2};

    @Test
    void finishReasonsUseTheApiNames() {
        assertThat(FinishReason.STOP.apiName()).isEqualTo("stop");
        assertThat(FinishReason.LENGTH.apiName()).isEqualTo("length");
        assertThat(FinishReason.ABORT.apiName()).isEqualTo("abort");
        assertThat(FinishReason.ERROR.apiName()).isEqualTo("error");
    }

    @Test
    void eosStopsWithoutAStopReasonUnlessIgnored() {
        StopChecker checker = new StopChecker(SamplingParams.builder().maxTokens(5).build(), EOS);
        assertThat(checker.onToken(7)).isNull();
        Finish finish = checker.onToken(2);
        assertThat(finish.reason()).isEqualTo(FinishReason.STOP);
        assertThat(finish.stopReason()).isNull();
        StopChecker ignoring = new StopChecker(SamplingParams.builder().maxTokens(2).ignoreEos(true).build(), EOS);
        assertThat(ignoring.onToken(2)).isNull();
        assertThat(ignoring.onToken(2)).isEqualTo(Finish.length());
    }

    @Test
    void stopTokenIdsReportTheTokenAndWinOverLength() {
        StopChecker checker = new StopChecker(SamplingParams.builder().maxTokens(2).stopTokenIds(Set.of(9)).build(), EOS);
        assertThat(checker.onToken(4)).isNull();
        Finish finish = checker.onToken(9);
        assertThat(finish).isEqualTo(Finish.stopToken(9));
        assertThat(finish.stopReason()).isEqualTo(9);
    }

    @Test
    void maxTokensEndsWithLength() {
        StopChecker checker = new StopChecker(SamplingParams.builder().maxTokens(3).build(), EOS);
        assertThat(checker.onToken(1)).isNull();
        assertThat(checker.onToken(1)).isNull();
        assertThat(checker.onToken(1).reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(checker.generated()).isEqualTo(3);
    }

    @Test
    void stopTokensDoNotEndTheSequenceBeforeMinTokens() {
        StopChecker checker = new StopChecker(SamplingParams.builder().maxTokens(5).minTokens(2).build(), EOS);
        assertThat(checker.onToken(2)).isNull();
        assertThat(checker.onToken(2)).isEqualTo(Finish.eos());
    }

    @Test
    void aStopStringSplitAcrossTokensIsCutWithEverythingAfterIt() {
        StopStringMatcher m = new StopStringMatcher(List.of("lo Wo"));
        assertThat(m.append("Hel")).isEqualTo("He"); // "l" could start "lo Wo"
        assertThat(m.append("lo W")).isEqualTo("l"); // "llo W": only "lo W" can still grow into the stop
        assertThat(m.matched()).isNull();
        assertThat(m.append("orld")).isEmpty();
        assertThat(m.matched()).isEqualTo("lo Wo");
        assertThat(Finish.stopString(m.matched()).stopReason()).isEqualTo("lo Wo");
        assertThat(Finish.stopString(m.matched()).reason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void theEmittedTextIsEverythingBeforeTheStopString() {
        assertThat(emitAll(List.of("lo Wo"), "Hel", "lo W", "orld")).isEqualTo("Hel");
        assertThat(emitAll(List.of("STOP"), "abc", "deST", "OPxyz")).isEqualTo("abcde");
        assertThat(emitAll(List.of("\n\n"), "line one\n", "\nline two")).isEqualTo("line one");
    }

    @Test
    void heldBackTextIsReleasedWhenItCannotBecomeAStop() {
        StopStringMatcher m = new StopStringMatcher(List.of("lo Wo"));
        assertThat(m.append("Hel")).isEqualTo("He");
        assertThat(m.append("lo")).isEqualTo("l");
        assertThat(m.append(" there")).isEqualTo("lo there");
        assertThat(m.append(" Hello W")).isEqualTo(" Hel");
        assertThat(m.flush()).isEqualTo("lo W");
        assertThat(m.matched()).isNull();
    }

    @Test
    void aStopStringIsNeverEmittedWhateverTheSplit() {
        String text = "The answer is 42. END of story. More END";
        for (int cut1 = 0; cut1 <= text.length(); cut1++) {
            for (int cut2 = cut1; cut2 <= text.length(); cut2 += 3) {
                String out = emitAll(List.of("END", "story"), text.substring(0, cut1), text.substring(cut1, cut2),
                        text.substring(cut2));
                assertThat(out).isEqualTo("The answer is 42. ");
            }
        }
    }

    @Test
    void withSeveralStopsTheOneThatEndsFirstWins() {
        StopStringMatcher m = new StopStringMatcher(List.of("abcd", "bc", "xyz"));
        assertThat(m.append("zzabcdxyz")).isEqualTo("zza");
        assertThat(m.matched()).isEqualTo("bc");
        StopStringMatcher sameEnd = new StopStringMatcher(List.of("cd", "abcd"));
        assertThat(sameEnd.append("zabcd")).isEqualTo("z");
        assertThat(sameEnd.matched()).isEqualTo("abcd");
        StopStringMatcher second = new StopStringMatcher(List.of("###", "User:"));
        assertThat(second.append("ok Us")).isEqualTo("ok ");
        assertThat(second.append("er: hi")).isEmpty();
        assertThat(second.matched()).isEqualTo("User:");
    }

    @Test
    void aStopAtTheVeryFirstTokenEmitsNothing() {
        StopStringMatcher m = new StopStringMatcher(List.of("Stop"));
        assertThat(m.append("Stop here")).isEmpty();
        assertThat(m.matched()).isEqualTo("Stop");
        assertThatThrownBy(() -> m.append("more")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopStringsWaitForMinTokens() {
        SamplingParams params = SamplingParams.builder().maxTokens(10).minTokens(2).stop(List.of("x")).build();
        StopChecker checker = new StopChecker(params, EOS);
        StopStringMatcher m = new StopStringMatcher(params.stop());
        StringBuilder out = new StringBuilder();
        for (String token : new String[]{"ax", "bx", "cx"}) {
            assertThat(checker.onToken(5)).isNull();
            out.append(m.append(token, checker.stopStringsActive()));
            if (m.matched() != null) {
                break;
            }
        }
        // Tokens 1 and 2 are within min_tokens, so their "x" stays; the third token's "x" stops.
        assertThat(out.toString()).isEqualTo("axbxc");
        assertThat(m.matched()).isEqualTo("x");
    }

    @Test
    void withoutStopStringsTextPassesStraightThrough() {
        StopStringMatcher m = new StopStringMatcher(List.of());
        assertThat(m.append("Hello")).isEqualTo("Hello");
        assertThat(m.flush()).isEmpty();
    }

    private static String emitAll(List<String> stops, String... deltas) {
        StopStringMatcher m = new StopStringMatcher(stops);
        StringBuilder out = new StringBuilder();
        for (String d : deltas) {
            out.append(m.append(d));
            if (m.matched() != null) {
                return out.toString();
            }
        }
        return out.append(m.flush()).toString();
    }
}
