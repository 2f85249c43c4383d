//! `kplay`: the Kafka Playground engine on the command line.

fn main() {
    eprintln!("kplay: no command yet");
    std::process::exit(2);
}
