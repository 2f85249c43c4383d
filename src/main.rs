//! Entry point of the Kafka Playground page: installs the panic hook and mounts the app.

fn main() {
    kafka_playground::panic_panel::install();
    leptos::mount::mount_to_body(kafka_playground::App);
}
