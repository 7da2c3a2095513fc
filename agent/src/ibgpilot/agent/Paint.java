package ibgpilot.agent;

import java.awt.Color;
import java.awt.Component;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.swing.JComponent;
import javax.swing.JPasswordField;
import javax.swing.JRootPane;
import javax.swing.JTextField;
import javax.swing.RootPaneContainer;
import javax.swing.SwingUtilities;

/**
 * The {@code paint} operation: a PNG of one window as a person sees it, painted by Swing itself
 * into an off-screen image (no screen capture, so nothing that overlaps the window leaks in and
 * no display access is needed). Password fields and editable one-line fields (user names, 2FA
 * codes) are painted over empty after the window is painted, so what someone typed never reaches
 * the picture; the window's own state is never touched.
 */
final class Paint {
    private Paint() {}

    static Object paint(Map<String, Object> req) throws AgentError {
        String id = Ops.str(req, "window", true);
        Object w = Windows.byId(id);
        if (Fx.isFxWindow(w)) throw new AgentError("unsupported", "JavaFX windows are not painted by the agent");
        Window win = (Window) w;
        int[] masked = {0};
        BufferedImage img = Edt.call("paint", Ops.timeout(req), () -> render(win, masked));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new AgentError("internal", "PNG encoding failed: " + e.getMessage());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("width", (long) img.getWidth());
        r.put("height", (long) img.getHeight());
        r.put("masked", (long) masked[0]);
        r.put("png", Base64.getEncoder().encodeToString(out.toByteArray()));
        return r;
    }

    /** Runs on the EDT. */
    static BufferedImage render(Window win, int[] masked) throws AgentError {
        if (!win.isShowing()) throw new AgentError("not_found", "the window is not showing");
        int width = Math.max(1, win.getWidth());
        int height = Math.max(1, win.getHeight());
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            Color bg = win.getBackground();
            g.setColor(bg == null ? Color.LIGHT_GRAY : bg);
            g.fillRect(0, 0, width, height);
            if (win instanceof RootPaneContainer) {
                JRootPane root = ((RootPaneContainer) win).getRootPane();
                Point at = SwingUtilities.convertPoint(root, 0, 0, win);
                Graphics2D rg = (Graphics2D) g.create(at.x, at.y, root.getWidth(), root.getHeight());
                try {
                    root.printAll(rg);
                } finally {
                    rg.dispose();
                }
            } else {
                win.printAll(g);
            }
            for (Component c : Finder.walk(win)) {
                if (!c.isShowing() || !secret(c)) continue;
                Point at = SwingUtilities.convertPoint(c, 0, 0, win);
                Graphics2D fg = (Graphics2D) g.create(at.x, at.y, c.getWidth(), c.getHeight());
                try {
                    fg.setColor(c.getBackground() == null ? Color.WHITE : c.getBackground());
                    fg.fillRect(0, 0, c.getWidth(), c.getHeight());
                    if (c instanceof JComponent && ((JComponent) c).getBorder() != null) {
                        ((JComponent) c).getBorder().paintBorder(c, fg, 0, 0, c.getWidth(), c.getHeight());
                    }
                } finally {
                    fg.dispose();
                }
                masked[0]++;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Fields that hold what someone typed: passwords and editable one-line fields. */
    private static boolean secret(Component c) {
        return c instanceof JPasswordField || (c instanceof JTextField && ((JTextField) c).isEditable());
    }
}
