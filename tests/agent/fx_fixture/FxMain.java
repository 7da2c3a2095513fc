import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;

/**
 * Test-only JavaFX fixture for the agent (tests/agent/fx_test.ts): a Swing main frame, like
 * Gateway's, plus a JavaFX stage titled {@code Login Messages} (the window real Gateway shows in
 * JavaFX, sources.md IBC 5.8) with a label, a text field and a {@code Resume login} button. What
 * the stage receives is printed as {@code LOG {json}} lines on stdout.
 */
public final class FxMain {
    private FxMain() {}

    public static void main(String[] args) throws Exception {
        SwingUtilities.invokeAndWait(() -> {
            JFrame f = new JFrame("IBKR Gateway");
            f.setSize(320, 200);
            f.setDefaultCloseOperation(JFrame.EXIT_ON_CLOSE);
            f.setVisible(true);
        });
        Platform.setImplicitExit(false);
        Platform.startup(() -> {
            Stage stage = new Stage();
            stage.setTitle("Login Messages");
            Label label = new Label("Messages from IBKR before you continue");
            TextField note = new TextField();
            note.setId("note");
            note.textProperty().addListener((o, was, now) -> log("fx-text", "\"length\":" + now.length()));
            Button resume = new Button("Resume login");
            resume.setOnAction(e -> {
                log("fx-click", "\"button\":\"Resume login\"");
                stage.close();
            });
            stage.setScene(new Scene(new VBox(8, label, note, resume), 320, 140));
            stage.show();
            log("fx-shown", "\"title\":\"Login Messages\"");
        });
    }

    private static void log(String kind, String fields) {
        System.out.println("LOG {\"kind\":\"" + kind + "\",\"at\":" + System.currentTimeMillis() + "," + fields + "}");
        System.out.flush();
    }
}
