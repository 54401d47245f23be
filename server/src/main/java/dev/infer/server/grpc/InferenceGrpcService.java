package dev.infer.server.grpc;

import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.scheduler.OverloadedException;
import dev.infer.batching.thinking.ThinkingParams;
import dev.infer.models.tokenizer.TextTokenizer;
import dev.infer.server.grpc.v1.DetokenizeRequest;
import dev.infer.server.grpc.v1.DetokenizeResponse;
import dev.infer.server.grpc.v1.EndThinkingRequest;
import dev.infer.server.grpc.v1.EndThinkingResponse;
import dev.infer.server.grpc.v1.GenerateRequest;
import dev.infer.server.grpc.v1.GenerateResponse;
import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import dev.infer.server.grpc.v1.ListModelsRequest;
import dev.infer.server.grpc.v1.ListModelsResponse;
import dev.infer.server.grpc.v1.ModelInfo;
import dev.infer.server.grpc.v1.TokenizeRequest;
import dev.infer.server.grpc.v1.TokenizeResponse;
import dev.infer.server.serving.ServedModel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The InferenceService's logic: validates a request (INVALID_ARGUMENT naming the field, NOT_FOUND for another
 * model's name), maps it onto {@link SamplingParams} as the HTTP API does, submits it to the engine loop and streams
 * its deltas through a {@link GenerateStream}.
 */
final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase implements AutoCloseable {
    /** What a request id looks like in messages: "gen-" and the engine loop's id. */
    static final String REQUEST_ID_PREFIX = "gen-";
    private final ServedModel served;
    /** Where GenerateStreams write to their calls, so the engine loop's thread only enqueues. */
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean draining;

    InferenceGrpcService(ServedModel served) {
        this.served = served;
    }

    void beginDrain() {
        draining = true;
    }

    @Override
    public void close() {
        writers.close();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateResponse>) responseObserver;
        try {
            checkServing();
            checkModel(request.getModel());
            int[] prompt = prompt(request);
            ThinkingParams thinking = served.reasons() ? thinking(request) : null;
            SamplingParams params = params(request, prompt.length, thinking);
            GenerateStream stream = new GenerateStream(call, served.loop(), params.n(), writers);
            long id;
            try {
                id = served.loop().submit(new GenerationRequest(prompt, params, request.getPriority(), null, 0,
                        thinking),
                        stream::onDelta);
            } catch (OverloadedException e) {
                throw Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            } catch (IllegalStateException e) {
                throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
            }
            stream.started(id);
        } catch (StatusRuntimeException e) {
            call.onError(e);
        }
    }

    @Override
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> out) {
        try {
            checkModel(request.getModel());
            boolean add = !request.hasAddSpecialTokens() || request.getAddSpecialTokens();
            int[] ids = tokenizer().encode(request.getText(), add);
            TokenizeResponse.Builder b = TokenizeResponse.newBuilder().setCount(ids.length)
                    .setMaxModelLen(served.contextLength());
            for (int id : ids) {
                b.addTokenIds(id);
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void detokenize(DetokenizeRequest request, StreamObserver<DetokenizeResponse> out) {
        try {
            checkModel(request.getModel());
            int[] ids = tokenIds(request.getTokenIdsList(), "token_ids");
            boolean skip = !request.hasSkipSpecialTokens() || request.getSkipSpecialTokens();
            out.onNext(DetokenizeResponse.newBuilder().setText(tokenizer().decode(ids, skip)).build());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
        out.onNext(ListModelsResponse.newBuilder().addModels(ModelInfo.newBuilder().setId(served.servedName())
                .setMaxModelLen(served.contextLength()).setOwnedBy("inference-server")).build());
        out.onCompleted();
    }

    private TextTokenizer tokenizer() {
        return served.model().tokenizer();
    }

    private void checkServing() {
        if (draining || !served.loop().isAlive()) {
            throw Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException();
        }
    }

    private void checkModel(String model) {
        if (!model.isEmpty() && !model.equals(served.servedName())) {
            throw Status.NOT_FOUND.withDescription("the model '" + model + "' does not exist; this server serves '"
                    + served.servedName() + "'").asRuntimeException();
        }
    }

    private int[] prompt(GenerateRequest r) {
        return switch (r.getPromptCase()) {
            case TEXT -> {
                if (r.getText().isEmpty()) {
                    throw invalid("text: the prompt must not be empty");
                }
                yield tokenizer().encode(r.getText(), true);
            }
            case TOKEN_IDS -> {
                if (r.getTokenIds().getIdsCount() == 0) {
                    throw invalid("token_ids: the prompt must not be empty");
                }
                yield tokenIds(r.getTokenIds().getIdsList(), "token_ids");
            }
            case PROMPT_NOT_SET -> throw invalid("prompt: set text or token_ids");
        };
    }

    private int[] tokenIds(List<Integer> ids, String field) {
        int vocab = tokenizer().vocabSize();
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            int id = ids.get(i);
            if (id < 0 || id >= vocab) {
                throw invalid(field + "[" + i + "] = " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
            out[i] = id;
        }
        return out;
    }

    @Override
    public void endThinking(EndThinkingRequest request, StreamObserver<EndThinkingResponse> out) {
        String id = request.getRequestId();
        long requestId;
        try {
            requestId = Long.parseLong(id.startsWith(REQUEST_ID_PREFIX) ? id.substring(REQUEST_ID_PREFIX.length()) : id);
        } catch (NumberFormatException e) {
            requestId = -1;
        }
        if (requestId < 0 || !served.loop().endThinking(requestId)) {
            out.onError(Status.NOT_FOUND.withDescription("no request " + id + " is in flight").asRuntimeException());
            return;
        }
        out.onNext(EndThinkingResponse.newBuilder().setRequestId(REQUEST_ID_PREFIX + requestId).build());
        out.onCompleted();
    }

    /** The thinking fields, as the HTTP API reads them (thinking_token_budget wins over reasoning_effort). */
    private ThinkingParams thinking(GenerateRequest r) {
        int budget = ThinkingParams.UNBOUNDED;
        if (r.hasThinkingTokenBudget()) {
            if (r.getThinkingTokenBudget() < 0) {
                throw invalid("thinking_token_budget must be >= 0, got " + r.getThinkingTokenBudget());
            }
            budget = r.getThinkingTokenBudget();
        } else if (!r.getReasoningEffort().isEmpty()) {
            try {
                budget = served.thinking().budgetFor(r.getReasoningEffort());
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }
        try {
            return new ThinkingParams(budget, r.getMinThinkingTokens());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private SamplingParams params(GenerateRequest r, int promptTokens, ThinkingParams thinking) {
        SamplingParams.Builder b = SamplingParams.builder();
        if (r.hasTemperature()) b.temperature(r.getTemperature());
        if (r.hasTopP()) b.topP(r.getTopP());
        if (r.hasTopK()) b.topK(r.getTopK());
        if (r.hasMinP()) b.minP(r.getMinP());
        if (r.hasPresencePenalty()) b.presencePenalty(r.getPresencePenalty());
        if (r.hasFrequencyPenalty()) b.frequencyPenalty(r.getFrequencyPenalty());
        if (r.hasRepetitionPenalty()) b.repetitionPenalty(r.getRepetitionPenalty());
        if (r.hasSeed()) b.seed(r.getSeed());
        if (r.hasMinTokens()) b.minTokens(r.getMinTokens());
        if (r.hasN()) b.n(r.getN());
        if (r.hasTopLogprobs()) b.topLogprobs(r.getTopLogprobs());
        b.logprobs(r.getLogprobs() || r.hasTopLogprobs());
        b.ignoreEos(r.getIgnoreEos());
        b.stop(List.copyOf(r.getStopList()));
        Set<Integer> stopIds = new HashSet<>(r.getStopTokenIdsList());
        b.stopTokenIds(stopIds);
        b.logitBias(r.getLogitBiasMap());
        if (r.hasMaxTokens()) {
            b.maxTokens(r.getMaxTokens());
        } else {
            long room = Math.min(served.contextLength(), served.kvCapacityTokens()) - promptTokens;
            if (room < 1) {
                throw invalid("prompt: " + promptTokens + " tokens leave no room in the model's context length of "
                        + served.contextLength());
            }
            b.maxTokens(thinking == null ? (int) room
                    : served.thinking().defaultAnswerTokens((int) room, thinking, served.forcedEndTokens()));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
