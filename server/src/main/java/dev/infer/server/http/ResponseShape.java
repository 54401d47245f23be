package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;

/** What differs between completions and chat completions responses: names, and how a choice reads. */
interface ResponseShape {
    /** "cmpl-" or "chatcmpl-". */
    String idPrefix();

    /** "text_completion" or "chat.completion". */
    String object();

    /** The object of a streamed chunk. */
    String chunkObject();

    /** Fills a finished choice of a non-streamed response (text or message, logprobs). */
    void fillChoice(ObjectNode choice, ChoiceState state);

    /** Fills a streamed choice with one delta's text and logprobs. */
    void fillDelta(ObjectNode choice, TokenDelta delta);

    /** The streamed choice that opens each completion (chat: the role), or false when there is none. */
    boolean fillOpening(ObjectNode choice);
}
