<?php
header('X-Served-By: php');
$name = isset($_GET['name']) ? $_GET['name'] : 'visitor';
?>
<!DOCTYPE html>
<html>
<head><title>Page 1</title></head>
<body>
<h1>Page 1 (PHP)</h1>
<p>Hello, <?= htmlspecialchars($name, ENT_QUOTES) ?>. This is <code>page-1.php</code>.</p>
</body>
</html>
