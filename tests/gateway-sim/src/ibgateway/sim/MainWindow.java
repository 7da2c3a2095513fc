// Owns: Gateway's main window (sources.md IBC 5 #6, sources.md peers A4/A8): titled `Loading...` until login
// completes, then `IBKR Gateway`; menus File (Gateway Logs, API Logs, Close), Configure
// (Settings), Help (About IB Gateway); status `API Server: connected` / `disconnected`; a log
// pane with `Show log` / `Clear`. Closing the window goes through the exit confirmation.
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.text.SimpleDateFormat;
import java.util.Date;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.WindowConstants;

public final class MainWindow extends JFrame {
    final JLabel apiServer = new JLabel("API Server: disconnected");
    final JLabel apiClients = new JLabel("API Client: disconnected");
    final JTextArea log = new JTextArea(14, 60);
    /** Configure > Settings (TWS: Global Configuration...) and File > Close (TWS: Exit). */
    JMenuItem settings;
    JMenuItem close;
    private final SimpleDateFormat fmt = new SimpleDateFormat("HH:mm:ss:SSS");

    public interface Actions {
        void exitRequested();
        void openSettings();
        void showLogs(String which);
        void about();
    }

    public MainWindow(Actions actions) {
        this(actions, null);
    }

    /** With `tws`, Trader Workstation's menus (TwsMenus) replace Gateway's. */
    public MainWindow(Actions actions, TwsMenus tws) {
        super(tws != null ? Strings.TWS_MAIN_TITLE : Strings.LOADING);
        setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        // WINDOW_CLOSING is Gateway's own close path: it asks for confirmation (sources.md peers A8 0.5.6).
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) {
                actions.exitRequested();
            }
        });
        JMenuBar bar = new JMenuBar();
        JMenu file = new JMenu("File");
        file.add(Rec.menu(new JMenuItem("Gateway Logs"), "File", "Gateway Logs")).addActionListener(e -> actions.showLogs("Gateway Logs"));
        file.add(Rec.menu(new JMenuItem("API Logs"), "File", "API Logs")).addActionListener(e -> actions.showLogs("API Logs"));
        file.addSeparator();
        close = Rec.menu(new JMenuItem("Close"), "File", "Close");
        close.addActionListener(e -> actions.exitRequested());
        file.add(close);
        JMenu configure = new JMenu("Configure");
        settings = Rec.menu(new JMenuItem("Settings"), "Configure", "Settings");
        settings.setEnabled(false); // enabled once logged in; IBC waits for this (sources.md IBC 5.4)
        settings.addActionListener(e -> actions.openSettings());
        configure.add(settings);
        JMenu help = new JMenu("Help");
        help.add(Rec.menu(new JMenuItem("About IB Gateway"), "Help", "About IB Gateway")).addActionListener(e -> actions.about());
        bar.add(file);
        bar.add(configure);
        bar.add(help);
        setJMenuBar(bar);
        if (tws != null) {
            settings = tws.configuration;
            close = tws.exit;
            setJMenuBar(tws.bar);
            TwsMenus.listenForReconnect(this);
        }

        JPanel top = new JPanel(new BorderLayout());
        top.setBorder(BorderFactory.createEmptyBorder(8, 10, 8, 10));
        top.setBackground(Ui.IB_DARK);
        apiServer.setForeground(Color.WHITE);
        apiServer.setFont(Ui.BASE.deriveFont(Font.BOLD));
        apiClients.setForeground(new Color(0xCC, 0xCC, 0xCC));
        top.add(apiServer, BorderLayout.WEST);
        top.add(apiClients, BorderLayout.EAST);

        log.setEditable(false);
        log.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        JScrollPane scroll = new JScrollPane(log);

        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        JButton show = Rec.button(new JButton("Show log"));
        show.addActionListener(e -> scroll.setVisible(!scroll.isVisible()));
        JButton clear = Rec.button(new JButton("Clear"));
        clear.addActionListener(e -> log.setText(""));
        buttons.add(show);
        buttons.add(clear);

        JPanel root = new JPanel(new BorderLayout());
        root.add(top, BorderLayout.NORTH);
        root.add(scroll, BorderLayout.CENTER);
        root.add(buttons, BorderLayout.SOUTH);
        setContentPane(root);
        Rec.window(this);
        setSize(700, 420);
        setLocation(80, 60);
    }

    /** Appends a line to the log pane (never secrets: callers pass fixed texts). */
    public void append(String line) {
        Ui.edt(() -> log.append(fmt.format(new Date()) + " " + line + "\n"));
    }

    public void setApiServer(boolean connected) {
        Ui.edt(() -> apiServer.setText("API Server: " + (connected ? "connected" : "disconnected")));
    }

    public void setClients(int n) {
        Ui.edt(() -> apiClients.setText(n == 0 ? "API Client: disconnected" : "API Client: connected (" + n + ")"));
    }
}
