// Owns: File > Gateway Logs / API Logs as IBGA drives them (sources.md peers C1, IBGA
// scripts/_run_ibg.sh): a `View Logs` dialog listing the days Gateway keeps (a JList, oldest
// first), `Export Logs...` opening an `Enter export filename` file dialog whose `Open` writes the
// selected day's log (Gateway keeps its logs encrypted; the export is plain text), a message
// dialog with `OK`, and `Cancel` closing `View Logs`. The list's date format and the message's
// title and text are sim inventions (no fact gives them).
// Scenario `faults.logExport`: "refuse" makes `Open` show an error and keep the file dialog open
// (a dialog that does not behave).
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.Window;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.WindowConstants;

final class LogsDialog {
    static final String VIEW_TITLE = "View Logs";
    static final String EXPORT = "Export Logs...";
    static final String FILENAME_TITLE = "Enter export filename";
    static final String OPEN = "Open";
    static final String CANCEL = "Cancel";
    /** How many days of logs Gateway lists (sim). */
    static final int DAYS = 3;

    private LogsDialog() {}

    /** Shows `View Logs` for `which` (`Gateway Logs` or `API Logs`), modeless like Gateway's. */
    static void show(Window owner, String which, String mode, Scenario sc) {
        Ui.edt(() -> {
            JDialog d = new JDialog(owner, VIEW_TITLE, java.awt.Dialog.ModalityType.MODELESS);
            d.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
            LocalDate today = Instant.ofEpochMilli(SimClock.now()).atZone(ZoneId.of("America/New_York")).toLocalDate();
            String[] days = new String[DAYS];
            for (int i = 0; i < DAYS; i++) days[i] = today.minusDays(DAYS - 1 - i).toString();
            JList<String> list = Rec.list(new JList<>(days));
            list.setSelectionMode(ListSelectionModel.MULTIPLE_INTERVAL_SELECTION);
            JPanel body = new JPanel(new BorderLayout(8, 8));
            body.setBorder(BorderFactory.createEmptyBorder(12, 14, 10, 14));
            body.add(new JLabel(which), BorderLayout.NORTH);
            body.add(new JScrollPane(list), BorderLayout.CENTER);
            JButton export = Rec.button(new JButton(EXPORT));
            export.addActionListener(e -> {
                String day = list.getSelectedValue();
                if (day != null) chooseFile(d, which, day, mode, sc);
            });
            showWithCancel(d, owner, body, export);
        });
    }

    /** The file dialog: a `File Name:` field, `Open` and `Cancel`. */
    private static void chooseFile(Window owner, String which, String day, String mode, Scenario sc) {
        JDialog f = new JDialog(owner, FILENAME_TITLE, java.awt.Dialog.ModalityType.MODELESS);
        f.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        JPanel body = new JPanel(new BorderLayout(8, 8));
        body.setBorder(BorderFactory.createEmptyBorder(12, 14, 10, 14));
        JPanel name = new JPanel(new BorderLayout(6, 0));
        name.add(new JLabel("File Name:"), BorderLayout.WEST);
        JTextField field = Rec.field(new JTextField(32), "export-filename", null);
        name.add(field, BorderLayout.CENTER);
        body.add(name, BorderLayout.CENTER);
        JButton open = Rec.button(new JButton(OPEN));
        open.addActionListener(e -> {
            String target = field.getText().trim();
            if ("refuse".equals(sc.str("faults.logExport", null)) || target.isEmpty()) {
                Ui.show(f, "Error", "Cannot export the logs to " + target, Ui.Kind.MODAL, false, "OK");
                return;
            }
            try {
                write(Path.of(target), which, day, mode);
            } catch (IOException ex) {
                Ui.show(f, "Error", "Cannot export the logs: " + ex.getMessage(), Ui.Kind.MODAL, false, "OK");
                return;
            }
            f.dispose();
            EventLog.emit("log-exported", "kind", which, "day", day, "file", target);
            Ui.show(owner, "Message", "Logs exported to " + target, Ui.Kind.MODAL, false, "OK");
        });
        showWithCancel(f, owner, body, open);
    }

    /** Both dialogs end alike: `action` and `Cancel` at the bottom right, shown over `owner`. */
    private static void showWithCancel(JDialog d, Window owner, JPanel body, JButton action) {
        JPanel row = new JPanel(new FlowLayout(FlowLayout.RIGHT, 8, 0));
        JButton cancel = Rec.button(new JButton(CANCEL));
        cancel.addActionListener(e -> d.dispose());
        row.add(action);
        row.add(cancel);
        body.add(row, BorderLayout.SOUTH);
        d.setContentPane(body);
        Rec.window(d);
        d.pack();
        d.setLocationRelativeTo(owner);
        d.setVisible(true);
    }

    private static void write(Path target, String which, String day, String mode) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(day).append(" 12:00:").append(String.format("%02d", i)).append(" ")
                .append(which).append(" (").append(mode).append(") sim log line ").append(i).append('\n');
        }
        Files.writeString(target, sb.toString(), StandardCharsets.UTF_8);
    }
}
