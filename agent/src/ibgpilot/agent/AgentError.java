package ibgpilot.agent;

/**
 * A failure with a stable code from docs/agent-protocol.md (for example {@code not_found},
 * {@code timeout}). The message is for people and never contains typed text.
 */
final class AgentError extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    AgentError(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
